/**
 * Function words and conversational filler: they carry no topic, so retrieval ignores them and
 * they never count as words the note does not know. Lists are folded (no accents).
 */
export const STOPWORDS_EN = new Set(
  (
    'a an the and or but if of to in on at by for from with without about into onto over under as than then so ' +
    'is are was were be been being am do does did done have has had having will would shall should can could may might must ' +
    'i me my mine we us our you your yours he him his she her it its they them their this that these those there here ' +
    'what which who whom whose when where why how whats wheres whens hows whos ' +
    'not no yes any some all each every both either neither other another such same own only also just very too more most much many ' +
    'please thanks thank hi hello hey dear ok okay sure kindly tell know let want wish need like would find get give go going come ' +
    'up down out off again once still yet ever even really actually exactly approximately roughly around please ' +
    "one 's s t re ll ve don doesn isn aren wasn weren won wouldn couldn shouldn can't cannot i'm it's im ive ill " +
    'something anything everything nothing anyone someone somebody anybody thing things stuff way ' +
    'held take place takes happen happens happening happened show list display see give key important main read access instead ' +
    // Function words as they are often mistyped: never a topic the note lacks.
    'teh hte thw tha waht wat wht whn wen wher whr wich whcih hwo hw ur u r pls plz'
  ).split(/\s+/),
);

export const STOPWORDS_FR = new Set(
  (
    "a au aux le la les l' un une des du de d' et ou mais donc or ni car que qu' qui quoi dont ou " +
    'ce cet cette ces c\' ca cela ceci celui celle ceux celles se s\' sa son ses leur leurs mon ma mes ton ta tes notre nos votre vos ' +
    'je j\' me m\' moi tu te t\' toi il elle on nous vous ils elles lui y en ' +
    'est sont etre ete suis es sommes etes sera seront serai serait seraient etait etaient soit ' +
    'ai as avons avez ont avoir avait eu aura auront aurait aurai auras aurons aurez aurais aurions auriez auraient aurai-je ' +
    'fait faire fais font ferai va vais vont aller peut peux pouvez pouvons peuvent pourrait pourrais pourriez doit dois devons devez doivent dois-je ' +
    'quel quelle quels quelles quand comment pourquoi combien ' +
    'ne n\' pas plus moins tres trop aussi bien tout tous toute toutes autre autres meme memes seulement ' +
    'pour par sur sous dans avec sans chez entre vers depuis pendant avant apres selon ' +
    'est-ce est-il est-elle y-a-t-il y-a t-il a-t-il a-t-elle ' +
    "bonjour salut merci svp stp s'il plait voudrais veux voulez souhaite savoir connaitre dire dites trouver " +
    'chose choses quelque quelqu\' lieu tient tiendra tiennent deroule deroulera deroulent passe passera ' +
    "la-bas ici alors ainsi encore deja oui non si voir montrer montre montrez afficher affiche liste lister donner donne donnez principales principaux importantes importants cles beaucoup lire acceder plutot"
  ).split(/\s+/),
);

export function isStopword(token: string): boolean {
  return STOPWORDS_EN.has(token) || STOPWORDS_FR.has(token);
}
