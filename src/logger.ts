import { pino, type Logger } from 'pino'

/**
 * The process logger: JSON lines on stdout. Personal data (names, phones, message text) is never logged;
 * the redaction below is a safety net for fields that might carry it by accident.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        '*.text',
        '*.phone',
        '*.phone_number',
        '*.first_name',
        '*.last_name',
        '*.username',
        '*.caption',
      ],
      censor: '[redacted]',
    },
  })
}
