"""Pure domain rules: identifiers, cell normalisation and qualification validity."""
