window.TTBridgeConfig = { clientKey: 'ck_from_config', timeouts: { login: 30 } };
