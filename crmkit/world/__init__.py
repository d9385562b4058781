"""The synthetic CRM world: configuration, engine, vocabulary, data dictionary and stores."""
