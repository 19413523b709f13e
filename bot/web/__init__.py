"""The web chat page (bot/web/static/), served by the Rasa server itself: see channel.py."""
