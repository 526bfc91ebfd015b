/* global fetch, EventSource */
// Thin wrapper over the fake Telegram's user API (/sandbox/api).

async function request(path, init = {}) {
  const res = await fetch(`/sandbox/api/${path}`, init)
  const body = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }))
  if (!body.ok) throw new Error(body.error || `HTTP ${res.status}`)
  return body.result
}

const post = (path, payload) =>
  request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload ?? {}),
  })

export const api = {
  config: () => request('config'),
  users: () => request('users'),
  createUser: (profile) => post('users', profile),
  chat: (userId) => request(`users/${userId}/chat`),
  send: (userId, text) => post(`users/${userId}/send`, { text }),
  shareContact: (userId, contact) => post(`users/${userId}/contact`, contact),
  tapText: (userId, text) => post(`users/${userId}/tap`, { text }),
  tapButton: (userId, messageId, row, column) =>
    post(`users/${userId}/tap`, { message_id: messageId, row, column }),
  openLink: (userId, url) => post(`users/${userId}/open-link`, { url }),
  setBlocked: (userId, blocked) => post(`users/${userId}/${blocked ? 'block' : 'unblock'}`),
  sendPhoto: (userId, file, caption) =>
    request(`users/${userId}/photo${caption ? `?caption=${encodeURIComponent(caption)}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    }),
  fileUrl: (fileId) => `/sandbox/api/files/${encodeURIComponent(fileId)}`,
  /** Calls `onChange(event)` for every change the server announces (server-sent events). */
  subscribe(onChange) {
    const source = new EventSource('/sandbox/api/events')
    source.onmessage = (e) => onChange(JSON.parse(e.data))
    return () => source.close()
  },
}
