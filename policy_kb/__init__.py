"""东发〔2022〕26号 knowledge base: the single source of truth for every fact the assistant states."""
