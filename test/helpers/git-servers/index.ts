/** Real git servers on 127.0.0.1 for tests: git://, smart HTTP with basic auth, and SSH with key auth. */
export { startGitDaemon, type GitDaemon } from './daemon.js';
export { startGitHTTP, type GitHTTPServer, type GitHTTPRequest } from './http.js';
export { startGitSSH, generateSSHKey, type GitSSHServer, type SSHKeyPair } from './ssh.js';
