// BULK_AS=users declares one User per row instead of one UserSet (for comparison).
import { bulkProgram, bulkUsersProgram } from "./program";

const outputs = process.env.BULK_AS === "users" ? bulkUsersProgram() : bulkProgram();
export const userCount = outputs.userCount;
export const userIds = outputs.userIds;
export const firstUserId = outputs.firstUserId;
