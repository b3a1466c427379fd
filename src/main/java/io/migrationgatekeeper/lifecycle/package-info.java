/** The process's end: shutdown within a configured bound, whatever a host or a request is waiting on. */
package io.migrationgatekeeper.lifecycle;
