/** Who is calling: the token's owner and the token's permissions. Services take it first. */
export interface Actor {
  userId: string;
  email: string;
  isSuperuser: boolean;
  tokenId: string;
  permissions: string[];
}
