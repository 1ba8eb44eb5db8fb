// What the projector's browser test and its benchmark share: chromium's flags, a free loopback port, waiting for a
// server to answer, counting the pixels WebGL drew, stopping a child process.
import net from 'node:net';

// Flags from shared/reading/environment.md, plus SwiftShader so WebGL works without a GPU.
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `${url}health` until it answers 200; fails early if the server process exits. */
export async function waitForHealth(url, child, stderr, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${stderr()}`);
    try {
      if ((await fetch(`${url}health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer /health within ${seconds} s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Counts the canvas pixels that are not the white background: the points actually drawn by WebGL.
export const drawnPixels = (page) =>
  page.$eval('#scatter', (canvas) => {
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) count += 1;
    return count;
  });

/** Sends SIGTERM and waits for the process to exit. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
