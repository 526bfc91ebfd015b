/**
 * Serves the browser sandbox (plain files from src/sandbox/web) at `/` and `/sandbox/web/*`.
 */
import { readFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

/** Serves a page file; returns false when the path is not part of the page. */
export async function handleStaticPage(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  let relative: string
  if (url.pathname === '/' || url.pathname === '/index.html') relative = 'index.html'
  else if (url.pathname.startsWith('/sandbox/web/')) relative = decodeURIComponent(url.pathname.slice(13))
  else return false
  const path = normalize(join(WEB_ROOT, relative))
  if (!path.startsWith(WEB_ROOT.endsWith(sep) ? WEB_ROOT : WEB_ROOT + sep)) return false
  try {
    const body = await readFile(path)
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'content-security-policy':
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'",
    })
    res.end(req.method === 'HEAD' ? undefined : body)
    return true
  } catch {
    return false
  }
}
