import { basicProgram } from "./program";

const outputs = basicProgram();
export const userIds = outputs.userIds;
export const adminRoles = outputs.adminRoles;
