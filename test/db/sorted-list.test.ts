import { describe, expect, it } from 'vitest'
import { SortedList } from '../../src/embedded-mongo/storage/sorted-list.ts'

function listOf(values: number[]): SortedList<number> {
  const list = new SortedList<number>((a, b) => a - b)
  for (const v of values) list.insert(v)
  return list
}

describe('SortedList (index storage)', () => {
  it('keeps entries ordered across many chunk splits and removals', () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000)
    const list = listOf(values)
    expect([...list.ascending()]).toEqual([...values].sort((a, b) => a - b))
    for (let v = 0; v < 5000; v += 2) expect(list.remove(v)).toBe(true)
    expect(list.remove(2)).toBe(false)
    const odd = [...list.ascending()]
    expect(odd).toHaveLength(2500)
    expect(odd.every((v, i) => v === 2 * i + 1)).toBe(true)
    expect([...list.descending()]).toEqual([...odd].reverse())
    const from = list.seek((x) => x >= 4001)
    expect([...list.ascending(from)].slice(0, 3)).toEqual([4001, 4003, 4005])
    expect([...list.descending(list.seek((x) => x >= 11))]).toEqual([9, 7, 5, 3, 1])
  })

  it('iterators continue after the last yielded entry when the list changes underneath', () => {
    const list = listOf(Array.from({ length: 2000 }, (_, i) => i * 2))
    const seen: number[] = []
    for (const v of list.ascending()) {
      seen.push(v)
      if (v === 100) {
        for (let k = 0; k < 600; k++) list.insert(-1 - k)
        list.insert(101)
        list.remove(102)
      }
    }
    expect(seen.slice(0, 52)).toEqual([...Array.from({ length: 51 }, (_, i) => i * 2), 101])
    expect(seen).toContain(3998)
    expect(new Set(seen).size).toBe(seen.length)
    const down: number[] = []
    for (const v of list.descending()) {
      down.push(v)
      if (v === 3000) for (let k = 0; k < 600; k++) list.insert(5000 + k)
    }
    expect(down[down.length - 1]).toBe(-600)
    expect(new Set(down).size).toBe(down.length)
    expect(down.some((v) => v >= 5000)).toBe(false)
  })
})
