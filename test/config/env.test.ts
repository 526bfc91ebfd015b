import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv } from '../../src/config/env.ts'

const run = promisify(execFile)

describe('environment configuration', () => {
  it('should start with nothing set: sandbox defaults', () => {
    const env = parseEnv({})
    expect(env.BOT_TOKEN).toBeUndefined()
    expect(env.MONGODB_URI).toBeUndefined()
    expect(env.OWNER_IDS).toEqual([])
    expect(env.PORT).toBe(3000)
    expect(env.DATA_DIR).toBe('./data')
  })

  it('should parse owners, port and webhook settings', () => {
    const env = parseEnv({
      BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      OWNER_IDS: '111, 222',
      PORT: '8080',
      WEBHOOK_URL: 'https://bot.example.com/telegram',
      WEBHOOK_SECRET: 'abcdefghijklmnop_1',
    })
    expect(env.OWNER_IDS).toEqual([111, 222])
    expect(env.PORT).toBe(8080)
    expect(env.WEBHOOK_URL).toBe('https://bot.example.com/telegram')
  })

  it('should report every wrong field on its own line', () => {
    let error: unknown
    try {
      parseEnv({
        BOT_TOKEN: 'nope',
        OWNER_IDS: '12,abc',
        PORT: '99999',
        MONGODB_URI: 'http://x',
        LOG_LEVEL: 'loud',
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const lines = (error as ConfigError).lines
    expect(lines).toHaveLength(5)
    expect(lines.find((line) => line.startsWith('BOT_TOKEN:'))).toContain('@BotFather')
    expect(lines.find((line) => line.startsWith('OWNER_IDS:'))).toContain('"abc" is not a Telegram user id')
    expect(lines.some((line) => line.startsWith('PORT:'))).toBe(true)
    expect(lines.some((line) => line.startsWith('MONGODB_URI:'))).toBe(true)
    expect(lines.some((line) => line.startsWith('LOG_LEVEL:'))).toBe(true)
  })

  it('should require a secret with a webhook', () => {
    expect(() =>
      parseEnv({
        BOT_TOKEN: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        WEBHOOK_URL: 'https://x.example/hook',
      }),
    ).toThrow(/WEBHOOK_SECRET: is required when WEBHOOK_URL is set/)
  })

  it('should give Bot API requests a 60 s timeout and long polls 30 s, and refuse a poll as long as the timeout', () => {
    const env = parseEnv({})
    expect([env.TELEGRAM_TIMEOUT_SECONDS, env.TELEGRAM_POLL_SECONDS]).toEqual([60, 30])
    expect(() => parseEnv({ TELEGRAM_TIMEOUT_SECONDS: '20' })).toThrow(
      /TELEGRAM_POLL_SECONDS: must be shorter than TELEGRAM_TIMEOUT_SECONDS \(20\)/,
    )
  })

  it('should refuse to start with a clear message and a non-zero exit on invalid configuration', async () => {
    const result = await run('node', ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'abc', OWNER_IDS: 'x' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('config: PORT:')
    expect(result.stderr).toContain('config: OWNER_IDS: "x" is not a Telegram user id')
  })
})
