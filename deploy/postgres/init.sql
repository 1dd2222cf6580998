-- The service connects as a non-superuser that owns its tables, so row-level security applies to it.
CREATE ROLE lms LOGIN PASSWORD 'lms';
CREATE DATABASE lms OWNER lms;
