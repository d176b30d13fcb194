-- One address, one campaign a day (issue 20): the build asks whether an address is already in a
-- live campaign of the day under another recipient key (several USDOT numbers often share one
-- address, and Listmonk keeps one subscriber per address).
create index send_ledger_address_idx on send_ledger (vertical, email) where state <> 'reset';
