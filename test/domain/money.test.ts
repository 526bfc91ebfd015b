import { describe, expect, it } from 'vitest'
import { isDomainError } from '../../src/domain/errors.ts'
import {
  addMoney,
  formatMoney,
  money,
  moneyFromUnits,
  parseMoney,
  shortfall,
  subtractMoney,
  toDecimalString,
  type Currency,
} from '../../src/domain/money.ts'

const RUB: Currency = { code: 'RUB', minorUnits: 2, symbol: '₽' }
const JPY: Currency = { code: 'JPY', minorUnits: 0, symbol: '¥' }

function codeOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (isDomainError(error)) return error.code
    throw error
  }
  return 'no error'
}

describe('parseMoney', () => {
  it.each([
    ['350', 35_000],
    ['350.50', 35_050],
    ['350,50', 35_050],
    ['350,5', 35_050],
    [' 1 250,5 ', 125_050],
    ['1\u00A0250', 125_000],
    ['999\u202F250,99', 99_925_099],
    ['0,01', 1],
    ['0350', 35_000],
    ['350 ₽', 35_000],
    ['350₽', 35_000],
    ['350 rub', 35_000],
    ['1000000', 100_000_000],
  ])('should read %j as %i kopecks', (input, minor) => {
    expect(parseMoney(input, RUB)).toBe(minor)
  })

  it.each([
    ['', 'MONEY.INVALID_FORMAT'],
    ['abc', 'MONEY.INVALID_FORMAT'],
    ['12a', 'MONEY.INVALID_FORMAT'],
    ['1.2.3', 'MONEY.INVALID_FORMAT'],
    ['1,2,3', 'MONEY.INVALID_FORMAT'],
    ['350.', 'MONEY.INVALID_FORMAT'],
    ['.5', 'MONEY.INVALID_FORMAT'],
    ['1 25', 'MONEY.INVALID_FORMAT'],
    ['12 500 0', 'MONEY.INVALID_FORMAT'],
    ['+350', 'MONEY.INVALID_FORMAT'],
    ['1e3', 'MONEY.INVALID_FORMAT'],
    ['-350', 'MONEY.NEGATIVE'],
    ['−350,00', 'MONEY.NEGATIVE'],
    ['0', 'MONEY.ZERO'],
    ['0,00', 'MONEY.ZERO'],
    ['-0', 'MONEY.ZERO'],
    ['350.555', 'MONEY.TOO_MANY_DECIMALS'],
    ['1,250', 'MONEY.TOO_MANY_DECIMALS'],
    ['1000000.01', 'MONEY.TOO_LARGE'],
    ['99999999999999999999999', 'MONEY.TOO_LARGE'],
  ])('should refuse %j with %s', (input, code) => {
    expect(codeOf(() => parseMoney(input, RUB))).toBe(code)
  })

  it('should honour a configured maximum', () => {
    const max = moneyFromUnits(5_000, RUB)
    expect(parseMoney('5 000', RUB, { max })).toBe(500_000)
    expect(codeOf(() => parseMoney('5000,01', RUB, { max }))).toBe('MONEY.TOO_LARGE')
  })

  it('should refuse any decimals for a currency without minor units', () => {
    expect(parseMoney('350', JPY)).toBe(350)
    expect(codeOf(() => parseMoney('350.5', JPY))).toBe('MONEY.TOO_MANY_DECIMALS')
  })
})

describe('money arithmetic', () => {
  it('should refuse floats and negatives as programming errors', () => {
    expect(() => money(1.5)).toThrow(RangeError)
    expect(() => money(-1)).toThrow(RangeError)
    expect(() => subtractMoney(money(100), money(101))).toThrow(RangeError)
  })

  it('should add, subtract and compute what is missing', () => {
    expect(addMoney(money(150), money(50))).toBe(200)
    expect(subtractMoney(money(150), money(50))).toBe(100)
    expect(shortfall(money(1_500_000), money(1_375_000))).toBe(125_000)
    expect(shortfall(money(100), money(300))).toBe(0)
  })
})

describe('formatting', () => {
  it('should write a plain decimal string for exports', () => {
    expect(toDecimalString(money(125_050), RUB)).toBe('1250.50')
    expect(toDecimalString(money(5), RUB)).toBe('0.05')
    expect(toDecimalString(money(350), JPY)).toBe('350')
  })

  it('should show money with a symbol, never a plural word', () => {
    expect(formatMoney(money(100), RUB, 'ru')).toBe('1\u00A0₽')
    expect(formatMoney(money(200), RUB, 'ru')).toBe('2\u00A0₽')
    expect(formatMoney(money(500), RUB, 'ru')).toBe('5\u00A0₽')
    expect(formatMoney(money(2_100), RUB, 'ru')).toBe('21\u00A0₽')
    expect(formatMoney(money(125_050), RUB, 'ru')).toBe('1\u00A0250,50\u00A0₽')
    expect(formatMoney(money(125_050), RUB, 'en')).toBe('₽1,250.50')
    expect(formatMoney(money(125_000), RUB, 'en')).toBe('₽1,250')
  })
})
