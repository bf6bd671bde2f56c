export { FileRepository } from "./file.repository.ts";
export { registerFileRoutes } from "./files.routes.ts";
export { type FilesDeps, FilesService, type FileView } from "./files.service.ts";
