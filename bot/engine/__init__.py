"""The conversation, free of any chat platform: state + input -> new state + replies."""
