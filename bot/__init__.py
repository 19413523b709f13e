"""东川人才政策助手: Rasa-side code (custom NLU components live in bot.nlu)."""
