"""Review of a report: Swedish amounts and dates, deterministic checks, the LLM reviewer."""
