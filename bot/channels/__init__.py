"""Rasa input channels of the assistant (the WeChat 公众号 channel: ``bot.channels.wechat.WeChatInput``)."""
