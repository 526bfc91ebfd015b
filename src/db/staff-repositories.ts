import type { Connection } from 'mongoose'
import { createPendingRedemptionRepository, type PendingRedemptionRepository } from './pending-redemptions.ts'
import { createStaffInviteRepository, type StaffInviteRepository } from './staff-invites.ts'
import { createStaffOperationRepository, type StaffOperationRepository } from './staff-operations.ts'
import { createScanAttemptRepository, type ScanAttemptRepository } from './staff-scan-attempts.ts'
import { createStaffRepository, type StaffRepository } from './staff.ts'

/** Every repository of the staff desk, built on one connection. */
export interface StaffRepositories {
  staff: StaffRepository
  staffInvites: StaffInviteRepository
  pendingRedemptions: PendingRedemptionRepository
  staffOperations: StaffOperationRepository
  scanAttempts: ScanAttemptRepository
}

/** Builds the desk's repositories and waits for their indexes. */
export async function createStaffRepositories(connection: Connection): Promise<StaffRepositories> {
  const [staff, staffInvites, pendingRedemptions, staffOperations, scanAttempts] = await Promise.all([
    createStaffRepository(connection),
    createStaffInviteRepository(connection),
    createPendingRedemptionRepository(connection),
    createStaffOperationRepository(connection),
    createScanAttemptRepository(connection),
  ])
  return { staff, staffInvites, pendingRedemptions, staffOperations, scanAttempts }
}
