/* global document, window, setTimeout */
// The sandbox page: a persona picker and one chat per persona, kept live by server-sent events.

import { api } from './api.js'
import { ChatView } from './chat-view.js'
import { el } from './render.js'
import { avatar, toast } from './ui.js'

const $ = (id) => document.getElementById(id)

const state = { config: { ownerIds: [], botUsername: '', bots: [] }, users: [], current: null }
const chat = new ChatView()

function botStatus() {
  const bot = state.config.bots?.[0]
  if (!bot) return 'bot not connected yet'
  return bot.mode === 'idle' ? `@${bot.username} · waiting for the bot` : `@${bot.username} · ${bot.mode}`
}

function renderPersonas() {
  const list = $('persona-list')
  list.replaceChildren()
  if (state.users.length === 0) list.append(el('li', 'empty', 'No personas yet: create one below.'))
  for (const user of state.users) {
    const item = el('li', 'persona')
    const button = el('button', 'persona-button')
    button.type = 'button'
    const name = [user.first_name, user.last_name].filter(Boolean).join(' ')
    const info = el('div', 'persona-info')
    info.append(
      el('strong', '', name),
      el('span', 'muted', `id ${user.id}${user.username ? ` · @${user.username}` : ''}`),
    )
    button.append(
      avatar(name, user.id),
      info,
      el('span', `role role-${user.role || 'customer'}`, user.role || 'user'),
    )
    button.addEventListener('click', () => (window.location.hash = `#/chat/${user.id}`))
    item.append(button)
    list.append(item)
  }
  const owners = state.config.ownerIds || []
  $('owner-hint').textContent = owners.length
    ? `Owner personas take the configured owner id${owners.length > 1 ? 's' : ''}: ${owners.join(', ')}.`
    : ''
}

function showHeader() {
  const user = state.current
  $('back').hidden = !user
  $('more').hidden = true
  $('header-avatar').hidden = !user
  if (user) {
    const name = [user.first_name, user.last_name].filter(Boolean).join(' ')
    avatar(name, user.id, $('header-avatar'))
    $('title').textContent = `${name}${user.role ? ` (${user.role})` : ''}`
  } else {
    $('title').textContent = 'Telegram sandbox'
    $('subtitle').textContent = botStatus()
  }
}

async function loadConfig() {
  try {
    state.config = await api.config()
  } catch (error) {
    toast(error.message, { error: true })
  }
}

async function loadUsers() {
  state.users = await api.users()
  renderPersonas()
}

async function route() {
  const match = /^#\/chat\/(\d+)$/.exec(window.location.hash)
  const user = match ? state.users.find((u) => u.id === Number(match[1])) : null
  state.current = user ?? null
  $('personas').hidden = Boolean(user)
  $('chat').hidden = !user
  showHeader()
  if (user) await chat.open(user, state.config.botUsername)
  else chat.close()
}

async function createPersona(event) {
  event.preventDefault()
  const form = new window.FormData(event.target)
  const profile = {}
  for (const [key, value] of form.entries()) if (String(value).trim()) profile[key] = String(value).trim()
  try {
    const user = await api.createUser(profile)
    event.target.reset()
    await loadUsers()
    window.location.hash = `#/chat/${user.id}`
  } catch (error) {
    toast(error.message, { error: true })
  }
}

// Changes come in bursts (a bot answer edits one chat and writes to another): they are gathered for
// 40 ms, and every kind of change seen in that window is applied once.
let pending = null
const due = { lists: false, chat: false }
function onServerChange(event) {
  if (event.botId === 0 || !state.current) due.lists = true
  if (state.current && (event.chatId === undefined || event.chatId === state.current.id)) due.chat = true
  if (pending) return
  pending = setTimeout(async () => {
    pending = null
    const { lists, chat: chatChanged } = due
    due.lists = false
    due.chat = false
    if (lists) {
      await loadConfig()
      await loadUsers()
      showHeader()
    }
    if (chatChanged) await chat.refresh()
  }, 40)
}

async function main() {
  $('persona-form').addEventListener('submit', createPersona)
  $('back').addEventListener('click', () => (window.location.hash = ''))
  window.addEventListener('hashchange', route)
  await loadConfig()
  await loadUsers()
  await route()
  api.subscribe(onServerChange)
}

main()
