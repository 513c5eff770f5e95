/* Bean Hop for TikTok's native runtime: the adapter, the bridge, then the boot (see boot.js). */
'use strict';
var startedAt = Date.now();
require('./ttbridge.js');
require('./ttaudio.js');
require('./boot.js').start(startedAt);
