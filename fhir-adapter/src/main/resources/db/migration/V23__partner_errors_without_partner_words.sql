-- Partner answers are no longer kept (issue 13): what earlier deliveries stored of a partner's response body, or
-- of its token endpoint's error description, goes; the status code ("HTTP 500") or "no answer" stays.
UPDATE fhir_partner
   SET last_error = COALESCE(substring(last_error FROM 'HTTP [0-9]{3}'), 'no answer')
 WHERE last_error ~ '(answered HTTP [0-9]{3}: |did not answer: )';

UPDATE dead_letter_entry
   SET cause_message = COALESCE(substring(cause_message FROM 'HTTP [0-9]{3}'), 'no answer')
 WHERE processing_group LIKE 'fhir-partner-%'
   AND cause_message ~ '(answered HTTP [0-9]{3}: |did not answer: )';
