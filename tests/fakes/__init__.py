"""Hand-written fakes of outside services, reached over real connections."""
