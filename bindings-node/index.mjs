// ESM entry point: the same objects as the CommonJS one (one native module, one set of classes).
import apiward from './index.js'

export const {
  ApiwardError, ClientIpResolver, ConfigError, Decision, JwtError, JwtVerifier, Key, ProjectionError,
  RateLimiter, Schema, ValidationError, checkAll, sign, version,
} = apiward
export default apiward
