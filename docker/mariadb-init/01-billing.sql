-- The billing database next to the journal's (MARIADB_DATABASE creates `telephony`); the service creates the tables.
CREATE DATABASE IF NOT EXISTS billing;
GRANT ALL PRIVILEGES ON billing.* TO 'telephony'@'%';
