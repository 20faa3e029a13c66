"""What every stage uses: the document model, tree walks, errors, diagnostics, language tags,
options and the settings table. Nothing here imports from the stages."""
