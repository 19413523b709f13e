"""Rasa input channels of the assistant (the WeChat 公众号 one: ``bot.channels.wechat.WeChatInput``)."""
