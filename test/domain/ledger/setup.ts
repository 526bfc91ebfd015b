import { parseProgram } from '../../../src/config/program.ts'
import { createTestClock } from '../../../src/domain/clock.ts'
import type { Actor } from '../../../src/domain/ledger/entry.ts'
import { createLedgerService } from '../../../src/domain/ledger/ledger-service.ts'
import { createFakeCustomers, createFakeLedger, createFakePurchases } from '../fakes.ts'

/** A barista at the main outlet. */
export const barista: Actor = { role: 'staff', id: '1001' }
/** Another staff member. */
export const waiter: Actor = { role: 'staff', id: '1002' }
/** The owner. */
export const owner: Actor = { role: 'owner', id: '42' }

/** A ledger service over fakes at 2026-03-02 12:00 Moscow, with customer `anna` in bronze. */
export function setupLedger(programOverrides: Record<string, unknown> = {}) {
  const clock = createTestClock('2026-03-02T09:00:00Z')
  const ledger = createFakeLedger()
  const customers = createFakeCustomers()
  const purchases = createFakePurchases()
  const program = parseProgram(programOverrides)
  const service = createLedgerService({ ledger, customers, purchases, clock, program })
  customers.add({ id: 'anna' })
  return { clock, ledger, customers, purchases, program, service }
}
