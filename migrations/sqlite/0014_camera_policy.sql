-- Camera proctoring per exam: OFF (the default), REQUIRED (no camera, no start) or
-- FLAG_IF_MISSING (start anyway, flagged CAMERA_UNAVAILABLE). Faces are counted on the
-- candidate's device; nothing of the picture is stored.
ALTER TABLE exams ADD COLUMN camera_policy TEXT NOT NULL DEFAULT 'OFF';
