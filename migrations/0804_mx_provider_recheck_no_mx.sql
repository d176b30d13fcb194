-- classify-mx used to tag no_mx for a domain that does not exist (NXDOMAIN), for a null MX
-- (RFC 7505: no mail accepted) and for a domain without MX alike, and the build mailed them all.
-- It now tells them apart (domain_not_found, null_mx, no_mail_host, and no_mx only for a domain
-- whose A/AAAA record takes the mail). Tagged rows are never looked up again, so the old no_mx
-- tags are cleared: the next classify-mx asks for those domains again.
update fmcsa_carriers set mx_provider = null where mx_provider = 'no_mx';
update hc_providers set mx_provider = null where mx_provider = 'no_mx';
