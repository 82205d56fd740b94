package dev.careloop.command.record;

import dev.careloop.api.record.RecordContent;

/** What a recorded disclosure allows the caller to download: this version's content, under this version's title. */
record Disclosure(int version, RecordContent content, String title, String patientId) {
}
