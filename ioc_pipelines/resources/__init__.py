"""Resources shared by assets, checks and the CLI: object store, lakes, dbt."""
