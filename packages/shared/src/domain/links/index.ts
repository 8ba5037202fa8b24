export {
  checkLinkClaims,
  LINK_JWT_TYPE,
  LINK_PURPOSES,
  LINK_TTL_MS,
  type LinkClaims,
  type LinkProblem,
  passwordFingerprint,
  type TLinkPurpose,
} from './link-claims.ts';
export { signUserLink, type SignUserLinkOptions } from './sign-user-link.ts';
export { LINK_PATHS, sendUserLink, type SendUserLinkOptions, type SentUserLink } from './send-user-link.ts';
