import { adoptProgram } from "./program";

const outputs = adoptProgram();
export const userIds = outputs.userIds;
export const coadminRoles = outputs.coadminRoles;
