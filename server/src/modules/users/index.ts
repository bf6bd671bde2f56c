export { hashPassword, verifyPassword } from "./password-hasher.ts";
export { presentUser, type UserView } from "./user.presenter.ts";
export { type OwnedTable, UserRepository } from "./user.repository.ts";
export { registerUserRoutes } from "./users.routes.ts";
export { type UsersDeps, UsersService } from "./users.service.ts";
