import { bulkProgram } from "./program";

const outputs = bulkProgram();
export const userCount = outputs.userCount;
export const firstUserId = outputs.firstUserId;
