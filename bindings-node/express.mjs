import express from './express.js'

export const { bearerAuth, rateLimit, validateBody, readBody, consoleLogger } = express
export default express
