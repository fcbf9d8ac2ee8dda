"""导入: the import wizard and the history of import batches."""
