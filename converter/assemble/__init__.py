"""Book assembly: many documents become books (filters, duplicates, order, volumes, parts,
metadata, links between posts, cover)."""
