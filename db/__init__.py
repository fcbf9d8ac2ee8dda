"""The domain and its store: models, migrations, rules and services. Never imports Qt or desktop."""
