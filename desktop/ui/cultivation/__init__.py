"""培育库: the 高企后备库 of a year — candidates, their tests and gaps, the pipeline's stages."""
