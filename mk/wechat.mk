# WeChat 公众号: publish the custom menu (wechat_menu.yml) through WeChat's menu API (docs/wechat.md, 第 6 节).
# Included by the main Makefile (PY, STAMP come from there).
.PHONY: wechat-menu

wechat-menu: $(STAMP) ## publish wechat_menu.yml as the 公众号 menu (WECHAT_APPID, WECHAT_SECRET, PUBLIC_BASE_URL); dry_run=1 only checks and prints the JSON
	@PYTHONPATH=. $(PY) -m bot.channels.wechat_menu_publish $(if $(dry_run),--dry-run,)
