DROP TABLE invites;
DROP TABLE rooms;
DROP TABLE sessions;
DROP TABLE users;
