// N SignalR watchers of one job, as browsers would be: each negotiates, opens a WebSocket to /hubs/training (JSON
// protocol), calls WatchJob, and fetches every image URL it is told about (once per URL: a browser's cache). Prints one
// JSON line: per-watcher bytes/s over the hub (with and without the one Snapshot) and over HTTP, and messages/s.
//   node --experimental-websocket tests/load/watchers.mjs BASE TOKEN JOB_ID WATCHERS SECONDS
const [base, token, jobId, watchers = '10', seconds = '30'] = process.argv.slice(2);
const RS = '\x1e';

async function watcher(stats) {
  const negotiate = await fetch(`${base}/hubs/training/negotiate?negotiateVersion=1`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` },
  });
  const { connectionToken } = await negotiate.json();
  const url = `${base.replace(/^http/, 'ws')}/hubs/training?id=${connectionToken}&access_token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url);
  const seen = new Set();
  socket.onopen = () => {
    socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
    socket.send(JSON.stringify({ type: 1, invocationId: '1', target: 'WatchJob', arguments: [jobId] }) + RS);
  };
  socket.onmessage = async (event) => {
    const text = typeof event.data === 'string' ? event.data : Buffer.from(await event.data.arrayBuffer()).toString();
    stats.hubBytes += Buffer.byteLength(text);
    for (const frame of text.split(RS)) {
      if (!frame) continue;
      const message = JSON.parse(frame);
      if (message.target === 'Snapshot') stats.snapshotBytes += Buffer.byteLength(frame);
      if (message.type === 6) socket.send(JSON.stringify({ type: 6 }) + RS); // ping
      if (message.type !== 1) continue;
      stats.messages++;
      const images = message.target === 'Image' ? [message.arguments[0]] : message.target === 'Snapshot' ? message.arguments[0].images : [];
      for (const image of images) {
        if (!image.url || seen.has(image.url)) continue;
        seen.add(image.url);
        const answer = await fetch(new URL(image.url, base), { headers: { Authorization: `Bearer ${token}` } });
        stats.httpBytes += (await answer.arrayBuffer()).byteLength;
        stats.fetches++;
      }
    }
  };
  return socket;
}

const count = Number(watchers);
const stats = Array.from({ length: count }, () => ({ hubBytes: 0, snapshotBytes: 0, httpBytes: 0, messages: 0, fetches: 0 }));
const sockets = await Promise.all(stats.map((s) => watcher(s)));
await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
for (const socket of sockets) socket.close();
const sum = (key) => stats.reduce((total, s) => total + s[key], 0);
const per = (key) => (count ? sum(key) / count / Number(seconds) : 0);
console.log(JSON.stringify({
  watchers: count,
  seconds: Number(seconds),
  hubBytesPerSecondPerWatcher: Math.round(per('hubBytes')),
  snapshotBytesPerWatcher: count ? Math.round(sum('snapshotBytes') / count) : 0,
  hubBytesPerSecondPerWatcherAfterSnapshot: Math.round(per('hubBytes') - per('snapshotBytes')),
  httpBytesPerSecondPerWatcher: Math.round(per('httpBytes')),
  messagesPerSecondPerWatcher: +per('messages').toFixed(1),
  imageFetchesPerSecondPerWatcher: +per('fetches').toFixed(2),
}));
