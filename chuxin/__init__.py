"""chuxin: raw theme-education meeting reports → clean, validated, queryable data."""
