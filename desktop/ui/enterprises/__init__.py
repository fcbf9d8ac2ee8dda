"""The enterprise roster screen (企业名录), its table model, the editor and the recycle bin."""
