"""The technology-contract ledger (spec/plans.md): contracts, S&T results and their transfers.

records.py / results.py: CRUD with the rules of db/rules/contracts.py, audited, recycle bin;
parties.py: the one home of 输出 / 吸纳, district parties and their towns (set-based SQL);
queries.py: the screens' filtered lists and totals; imports.py: the import kinds, in bulk.
"""
