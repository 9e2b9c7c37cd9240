import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` on 127.0.0.1 at a random port, resolving `/a` to `/a.html` or `/a/index.html` as a static host would. */
export async function serveStatic(root: string): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const safe = normalize(join(root, path));
    if (safe !== root && !safe.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    const candidates = [safe, `${safe}.html`, join(safe, 'index.html')];
    const file = candidates.find((f) => existsSync(f) && statSync(f).isFile());
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Serves the built site `dist` and opens Debian's chromium on it (a fresh profile, the flags this
 * machine needs); `close` ends both and removes the profile.
 */
export async function openSite(dist: string, profilePrefix: string): Promise<{ base: string; context: BrowserContext; close: () => Promise<void> }> {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no build: run \`pnpm docs:build\` first`);
  if (!existsSync(executablePath)) throw new Error(`no chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM)`);
  const served = await serveStatic(dist);
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await context.close();
    await served.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { base: served.url, context, close };
}
